/*
 * geo.c — just enough GeoJSON for grid boundaries: validate a Polygon or
 * MultiPolygon, compute its bounding box, and test whether a point lies
 * inside (even-odd rule over all rings, so holes work). Coordinates are
 * [longitude, latitude] in WGS-84 degrees, as GeoJSON says.
 */
#include "org/org.h"

#include <string.h>

static int ring_ok(json_t *ring, double bbox[4])
{
	size_t i;
	json_t *pt;

	if (!json_is_array(ring) || json_array_size(ring) < 4)
		return 0;
	json_array_foreach(ring, i, pt)
	{
		double x, y;
		if (!json_is_array(pt) || json_array_size(pt) < 2 ||
		    !json_is_number(json_array_get(pt, 0)) ||
		    !json_is_number(json_array_get(pt, 1)))
			return 0;
		x = json_number_value(json_array_get(pt, 0));
		y = json_number_value(json_array_get(pt, 1));
		if (x < -180 || x > 180 || y < -90 || y > 90)
			return 0;
		if (x < bbox[0])
			bbox[0] = x;
		if (y < bbox[1])
			bbox[1] = y;
		if (x > bbox[2])
			bbox[2] = x;
		if (y > bbox[3])
			bbox[3] = y;
	}
	return 1;
}

static int polygon_ok(json_t *rings, double bbox[4])
{
	size_t i;
	json_t *ring;

	if (!json_is_array(rings) || json_array_size(rings) < 1)
		return 0;
	json_array_foreach(rings, i, ring) if (!ring_ok(ring, bbox)) return 0;
	return 1;
}

int geojson_polygon_bbox(json_t *geo, double bbox[4])
{
	const char *type = json_string_value(json_object_get(geo, "type"));
	json_t *coords = json_object_get(geo, "coordinates");
	size_t i;
	json_t *poly;

	bbox[0] = bbox[1] = 1e9;
	bbox[2] = bbox[3] = -1e9;
	if (!json_is_object(geo) || !type)
		return -1;
	if (!strcmp(type, "Polygon"))
		return polygon_ok(coords, bbox) ? 0 : -1;
	if (strcmp(type, "MultiPolygon") || !json_is_array(coords) || !json_array_size(coords))
		return -1;
	json_array_foreach(coords, i, poly) if (!polygon_ok(poly, bbox)) return -1;
	return 0;
}

static int ring_crossings(json_t *ring, double x, double y)
{
	size_t n = json_array_size(ring);
	int inside = 0;

	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		json_t *a = json_array_get(ring, i), *b = json_array_get(ring, j);
		double xi = json_number_value(json_array_get(a, 0)),
		       yi = json_number_value(json_array_get(a, 1));
		double xj = json_number_value(json_array_get(b, 0)),
		       yj = json_number_value(json_array_get(b, 1));
		if (((yi > y) != (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi))
			inside = !inside;
	}
	return inside;
}

static int polygon_contains(json_t *rings, double x, double y)
{
	size_t i;
	json_t *ring;
	int inside = 0;

	json_array_foreach(rings, i, ring) if (ring_crossings(ring, x, y)) inside = !inside;
	return inside;
}

int geojson_contains(const char *text, double lng, double lat)
{
	json_t *geo = text ? json_loads(text, 0, NULL) : NULL;
	const char *type;
	int inside = 0;
	double bbox[4];

	if (!geo || geojson_polygon_bbox(geo, bbox) < 0) {
		json_decref(geo);
		return 0;
	}
	type = json_string_value(json_object_get(geo, "type"));
	if (!strcmp(type, "Polygon")) {
		inside = polygon_contains(json_object_get(geo, "coordinates"), lng, lat);
	} else {
		size_t i;
		json_t *poly;
		json_array_foreach(json_object_get(geo, "coordinates"), i,
				   poly) if (polygon_contains(poly, lng, lat)) inside = 1;
	}
	json_decref(geo);
	return inside;
}
