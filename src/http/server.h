/* server.h — the HTTP server (libmicrohttpd). */
#ifndef LECTERN_SERVER_H
#define LECTERN_SERVER_H

#include "http/app.h"

typedef struct Server Server;

/* Listen on app->cfg.listen ("127.0.0.1:8080"; port 0 picks a free one). */
Server *server_start(App *app, char **err);
uint16_t server_port(const Server *s);
/* Stop accepting new connections; those open go on. */
void server_quiesce(Server *s);
void server_stop(Server *s);

#endif
