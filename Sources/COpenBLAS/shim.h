#ifndef ENTK_COPENBLAS_SHIM_H
#define ENTK_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
