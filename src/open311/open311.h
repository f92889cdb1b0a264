/*
 * open311.h — Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
 * under /open311/v2/: appeal categories as services, appeals as service
 * requests, in JSON and XML. See open311.c for the mapping and decisions.
 */
#ifndef SHUNIU_OPEN311_OPEN311_H
#define SHUNIU_OPEN311_OPEN311_H

#include "http/router.h"

extern const struct route open311_routes[];

#endif
