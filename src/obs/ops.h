/* ops.h — probes and metrics for operators. */
#ifndef LECTERN_OPS_H
#define LECTERN_OPS_H
#include "http/req.h"
void ops_healthz(Req *r);
void ops_readyz(Req *r);
void ops_metrics(Req *r);
#endif
