/*
 * public.h — the signed-out pages of a community (社区公开): what a resident
 * can follow without an account — the term-commitment list and how far each
 * promise got, the projects with where they came from and what they cost,
 * the 微实事 rounds and their results, and the service fund's balance and
 * ledger.
 *
 * The module owns no table: it resolves a community by its unit code and
 * composes the views that commitments, projects, micro and fund build for the
 * public (each of them leaves out every resident's name, phone, ID number and
 * account). It sits above all four, so it also joins them: each project
 * carries what the fund spent on it, each commitment item the projects that
 * serve it.
 *
 *   GET /api/v1/public/units/:code                 the summary
 *   GET /api/v1/public/units/:code/commitments     the term-commitment lists
 *   GET /api/v1/public/units/:code/projects?year=  projects with sources and spending
 *   GET /api/v1/public/units/:code/fund?year=      balance and ledger
 *   GET /api/v1/public/units/:code/micro           微实事 rounds
 *   GET /api/v1/public/stations/:code              a station's community, for its QR page
 */
#ifndef SHUNIU_PUBLIC_PUBLIC_H
#define SHUNIU_PUBLIC_PUBLIC_H

#include "http/router.h"

extern const struct route public_routes[];

#endif
