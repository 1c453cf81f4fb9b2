#ifndef ENTK_CLAPACKE_SHIM_H
#define ENTK_CLAPACKE_SHIM_H
#include <lapacke.h>
#endif
