/* rules.h: the rules of SPEC §4.1-4.3, §4.4 (phi, imbalance), §6.1 (weekly quota) and §3.6 (Blended mix),
 * each in exactly one function, used by the solvers, verify and the report alike. */
#ifndef CL_RULES_H
#define CL_RULES_H

#include <stdbool.h>

#include "instance.h"

/* True when staff s is an active case manager serving client c's program: same program and no team for
 * ICM/SCM/ADULT_HOME; a member of a Blended team for BLENDED (SPEC §4.1). */
bool cl_serves(const cl_instance *inst, int s, int c);
/* True when client c lists staff s in avoid. */
bool cl_avoids(const cl_instance *inst, int c, int s);
/* True when staff s shares a language with client c. */
bool cl_speaks(const cl_instance *inst, int s, int c);

/* Fills out[0..n) with the managers client c may have, ascending, and returns n (out holds n_staff slots).
 * keep: only the current manager, when it still serves the client and is not avoided. Otherwise the
 * serving, non-avoided managers that speak the client's language or are its current manager; when that
 * leaves nobody and the client has a manager now, the language rule is relaxed and *relaxed is set. */
int cl_eligible_managers(const cl_instance *inst, int c, int *out, bool *relaxed);
/* The same for peer specialists of an ADULT_HOME client (active peers, not avoided, language or current,
 * relaxed for a client that has a peer now). Returns 0 for other programs. */
int cl_eligible_peers(const cl_instance *inst, int c, int *out, bool *relaxed);
/* True when client c's current manager can no longer keep it (inactive, avoided, other program): a move
 * the instance forces. False for intakes. */
bool cl_manager_forced_out(const cl_instance *inst, int c);
/* The same for the current peer (inactive or avoided). */
bool cl_peer_forced_out(const cl_instance *inst, int c);

/* Capacity of a manager outside teams, or of a peer, in acuity units: caseload_cap x fte (SPEC §4.2). */
double cl_capacity(const cl_instance *inst, int s);
/* FTE a BLENDED client uses in its team's pool: acuity / cap(level) (SPEC §4.3). */
double cl_blended_fte(const cl_instance *inst, int c);
/* What client c adds to staff s's load: acuity, or the FTE used for a team member. */
double cl_load_of(const cl_instance *inst, int c, int s);
/* What staff s can carry before overload: capacity, or fte x (1 + flex) for a team member; under a
 * utilization target (policy.utilization_target) at most that share of cl_util_base. */
double cl_limit(const cl_instance *inst, int s);
/* The denominator of utilization: capacity, or fte for a team member. */
double cl_util_base(const cl_instance *inst, int s);
/* Sum of the active members' FTE of team t: the pool's capacity. */
double cl_team_fte(const cl_instance *inst, int t);
/* What team t's pool may use before overload: its FTE, or under a utilization target that share of it. */
double cl_team_limit(const cl_instance *inst, int t);

/* Breakpoint spacing of phi. */
#define CL_PHI_STEP 0.05
/* phi(u): the piecewise-linear interpolation of u^2 at u = 0, 0.05, 0.10, ... (SPEC §4.4); u >= 0. */
double cl_phi(double u);
/* The line of phi's segment j (u from j to j + 1 steps): phi(u) >= slope u - drop for every u >= 0, equal on
 * the segment; segment 0's is 0.05 u. */
void cl_phi_segment(int j, double *slope, double *drop);

/* The weekly contact quota of client c (SPEC §6.1): max(min per week, ceil((per month - made) / weeks
 * left)), not below 0; the level's numbers for BLENDED; 1 a month and no weekly minimum when transitional. */
int cl_weekly_quota(const cl_instance *inst, int c);
/* Monthly contact minimum of client c (1 when transitional). */
int cl_monthly_minimum(const cl_instance *inst, int c);

/* The ICM caseload range an accreditation visit checks (COA standard CM 5, DOMAIN.md): 10 to 15 clients
 * per worker, depending on need, around the program's average of 12 (the ICM preset). */
#define CL_ICM_ACCREDITED_MIN 10.0
#define CL_ICM_ACCREDITED_MAX 15.0

/* The preset rules of program p (SPEC §1), before any instance override. */
const cl_program_rules *cl_program_preset(cl_program p);

/* True when a Blended team with a ICM and b SCM members is a mix the rules allow (14 NYCRR 506.7(a)):
 * a, b >= 1, a <= 2b and b <= 2a. */
bool cl_blended_mix_legal(int a, int b);
/* Counts the active ICM and SCM members of team t. */
void cl_team_mix(const cl_instance *inst, int t, int *icm, int *scm);

/* Who may be on call for a group (SPEC §6.2): for team t its active members with on_call; for the agency
 * (t = CL_NONE) the active case managers with on_call outside teams, or any such manager when none is
 * outside a team. Writes staff indices to out (room for n_staff) and returns how many. */
int cl_on_call_pool(const cl_instance *inst, int t, int *out);
/* On-call evenness per FTE (SPEC §6.2), exact. The least largest number of on-call days per FTE that any rota of
 * nd days over pool[0..n) reaches. Exact: each day needs one person and may have anyone of the pool, so days
 * and people form a complete bipartite graph, and a rota giving each person s at most cap_s days exists exactly when
 * sum cap_s >= nd (a maximum flow from the days through that graph to the capacities is min(nd, sum cap_s)). A rota
 * whose largest days per FTE is at most t gives s at most floor(t fte_s) days, and the largest of any rota is some k /
 * fte_s with 1 <= k <= nd; so the answer is the least such candidate t with sum floor(t fte_s) >= nd (at most 7 n
 * candidates). */
double cl_on_call_least_most(const cl_instance *inst, const int *pool, int n, int nd);
/* The most on-call days staff member s may have when nobody is above `most` days per FTE. */
int cl_on_call_cap(const cl_instance *inst, int s, double most);
/* Given at most cap[s] days each (cap from cl_on_call_least_most), the most the fewest days per FTE can be:
 * the largest t = k / fte_s with every lo_s = ceil(t fte_s) <= cap_s and sum lo_s <= nd (by the same argument,
 * exactly when a rota with lo_s <= days_s <= cap_s exists). Fills lo[0..n). */
void cl_on_call_floors(const cl_instance *inst, const int *pool, int n, int nd, const int *cap, int *lo);
/* Why nobody is on call for group t when its pool is empty, in plain words. */
const char *cl_on_call_none_reason(int t);

#endif
