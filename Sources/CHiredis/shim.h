#ifndef CINEBOOK_CHIREDIS_SHIM_H
#define CINEBOOK_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
