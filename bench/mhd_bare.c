/* mhd_bare.c — the floor under part (a) of `make bench`: libmicrohttpd
 * with lectern's daemon options (epoll, internal thread pool, suspend and
 * resume, the same per-connection memory, time-out and connection limit),
 * answering every request with the bytes lectern answers at /healthz and
 * doing nothing else.  lectern / this = what lectern's own request handling
 * costs on top of the library it is built on.
 *
 *   mhd_bare PORT THREADS MEMORY_LIMIT      (stops on SIGTERM or SIGINT)
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    static int first;
    if (!*con_cls) {            /* as lectern: answer on the second call, so keep-alive holds */
        *con_cls = &first;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(3, (void *)"ok\n", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mhd_bare PORT THREADS MEMORY_LIMIT\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);     /* the daemon's threads inherit it */
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);             /* loopback only */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]),
                                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)atol(argv[3]),
                                            MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                                            MHD_OPTION_CONNECTION_LIMIT, 4096u,
                                            MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                                            MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_bare: cannot listen on port %s\n", argv[1]);
        return 1;
    }
    printf("listening on port %s\n", argv[1]);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
