#ifndef BQS_CZ3_SHIM_H
#define BQS_CZ3_SHIM_H
#include <z3.h>
#endif
