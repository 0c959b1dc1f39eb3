/* bench/spin/clickpipe.pml: the ClickPipe service that `pipecheck check
 * --model clickpipe --pipes N` explores (profile current, every mode, fault
 * budgets crash=expiry=irrecoverable=outage=lag=1 unless overridden, no
 * symmetry reduction), written for SPIN so that its exhaustive search
 * without partial-order reduction stores exactly the explorer's states.
 *
 *   spin -DN=2 -a clickpipe.pml && gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c
 *   ./pan -m1000000 -c1          # "states, stored" equals the explorer's count
 *
 * (-m1000000 is deep enough: 1,557 at 3 pipes; pan allocates the whole stack
 * that -m asks for, 4.6 GB for -m100000000.)
 *
 * Macros (spin -D...): N pipes (1..8, default 2); B_CRASH, B_EXPIRY,
 * B_IRRECOVERABLE, B_OUTAGE, B_LAG the fault budgets (default 1 each);
 * PLANT=1 plants a violation (a cdc or cdc_only pipe whose snapshot ends with
 * its resume point kept completes instead of running CDC).
 *
 * How the state maps one to one onto the explorer's (properties/
 * clickpipe_space.cc, Pack): per pipe its lifecycle state, mode, in_resync,
 * adding_tables, resume_point_in_oplog and failure cause; then the budget
 * spent per fault kind. There is one process whose only control location that
 * is ever stored is the head of its do-loop: every action is one d_step, so
 * SPIN stores no state between the start and the end of an action, and its
 * own control state (the process's pc) is the same in every stored state.
 *
 * Initial states. The explorer starts from every assignment of the three
 * modes to the N pipes, every pipe before create (3^N states). SPIN has one
 * initial state: all pipes cdc, before create, which is one of those. The
 * others are reached from it by an extra action, enabled only while every
 * pipe is before create, that moves one pipe to the next mode: its targets
 * are exactly the explorer's other initial states, so the set of states is
 * the same (SPIN has more transitions, not more states). While every pipe is
 * before create no fault can be spent (no row leaves the state before create
 * but create), so "every pipe before create" is exactly the initial states.
 *
 * The actions are those of model/clickpipe.cc's `current` table, trigger by
 * trigger, each as Step takes it (the first row whose mode and guard apply),
 * and as ClickPipeSpace::Successors offers them: each pipe's operations,
 * events and faults (a fault only while its budget lasts, and it spends one),
 * then the service-wide compute_crash and destination_unavailable, which
 * step every pipe at once, are enabled when the budget lasts and some pipe
 * accepts them, and change no pipe (their rows keep state and context).
 * Steps that change nothing (pause in Paused, edit_settings) are kept: they
 * lead back to the same state and store nothing.
 */

#ifndef N
#define N 2
#endif
#ifndef B_CRASH
#define B_CRASH 1
#endif
#ifndef B_EXPIRY
#define B_EXPIRY 1
#endif
#ifndef B_IRRECOVERABLE
#define B_IRRECOVERABLE 1
#endif
#ifndef B_OUTAGE
#define B_OUTAGE 1
#endif
#ifndef B_LAG
#define B_LAG 1
#endif
#ifndef PLANT
#define PLANT 0
#endif

/* Lifecycle states (model::clickpipe::State). */
#define NONE 0
#define PROVISIONING 1
#define SETUP 2
#define SNAPSHOT 3
#define RUNNING 4
#define PAUSING 5
#define PAUSED 6
#define MODIFYING 7
#define RESYNC 8
#define COMPLETED 9
#define FAILED 10

/* Modes. */
#define M_CDC 0
#define M_CDC_ONLY 1
#define M_SNAPSHOT 2

/* Failure causes. */
#define C_NONE 0
#define C_IRRECOVERABLE 1
#define C_POINT_LOST 2

byte st[N];      /* lifecycle state */
byte md[N];      /* mode */
bit rs[N];       /* in_resync */
bit at[N];       /* adding_tables */
bit rp[N] = 1;   /* resume_point_in_oplog */
byte cs[N];      /* failure cause */
/* Budget spent per fault kind. */
byte crash_spent, expiry_spent, irrecoverable_spent, outage_spent, lag_spent;

#define CDC_MODES(p) (md[p] != M_SNAPSHOT)

/* Effects (model/clickpipe.cc, Apply). */
#define FAIL_POINT_LOST(p) st[p] = FAILED; rs[p] = 0; at[p] = 0; rp[p] = 0; cs[p] = C_POINT_LOST
#define FAIL_IRRECOVERABLE(p) st[p] = FAILED; rs[p] = 0; at[p] = 0; cs[p] = C_IRRECOVERABLE
#define BEGIN_RESYNC(p) st[p] = SETUP; rs[p] = 1; at[p] = 0; rp[p] = 1; cs[p] = C_NONE
#define END_LOAD(p) rs[p] = 0; at[p] = 0

/* The claim checked in every state: only_snapshot_pipes_complete. */
#define OK(p) (st[p] != COMPLETED || md[p] == M_SNAPSHOT)
#if N == 1
#define ALL_OK OK(0)
#define ALL_NONE (st[0] == NONE)
#define ANY_CRASH_TARGET CRASHES(0)
#define ANY_OUTAGE_TARGET WAITS(0)
#elif N == 2
#define ALL_OK OK(0) && OK(1)
#define ALL_NONE (st[0] == NONE && st[1] == NONE)
#define ANY_CRASH_TARGET CRASHES(0) || CRASHES(1)
#define ANY_OUTAGE_TARGET WAITS(0) || WAITS(1)
#elif N == 3
#define ALL_OK OK(0) && OK(1) && OK(2)
#define ALL_NONE (st[0] == NONE && st[1] == NONE && st[2] == NONE)
#define ANY_CRASH_TARGET CRASHES(0) || CRASHES(1) || CRASHES(2)
#define ANY_OUTAGE_TARGET WAITS(0) || WAITS(1) || WAITS(2)
#elif N == 4
#define ALL_OK OK(0) && OK(1) && OK(2) && OK(3)
#define ALL_NONE (st[0] == NONE && st[1] == NONE && st[2] == NONE && st[3] == NONE)
#define ANY_CRASH_TARGET CRASHES(0) || CRASHES(1) || CRASHES(2) || CRASHES(3)
#define ANY_OUTAGE_TARGET WAITS(0) || WAITS(1) || WAITS(2) || WAITS(3)
#elif N == 5
#define ALL_OK OK(0) && OK(1) && OK(2) && OK(3) && OK(4)
#define ALL_NONE (st[0] == NONE && st[1] == NONE && st[2] == NONE && st[3] == NONE && st[4] == NONE)
#define ANY_CRASH_TARGET CRASHES(0) || CRASHES(1) || CRASHES(2) || CRASHES(3) || CRASHES(4)
#define ANY_OUTAGE_TARGET WAITS(0) || WAITS(1) || WAITS(2) || WAITS(3) || WAITS(4)
#else
#error "N must be 1..5"
#endif
#define CHECK assert(ALL_OK)

/* compute_crash strikes a pipe with work in flight (D9), destination_unavailable
 * one that loads, batches or swaps (D10). */
#define CRASHES(p) (st[p] == PROVISIONING || st[p] == SETUP || st[p] == SNAPSHOT || \
                    st[p] == RUNNING || st[p] == PAUSING || st[p] == MODIFYING || st[p] == RESYNC)
#define WAITS(p) (st[p] == SNAPSHOT || st[p] == RUNNING || st[p] == RESYNC)

/* The actions of pipe p, trigger by trigger in the table's order. */
#define PIPE(p) \
  /* Before create: the next initial state (see above). */ \
  :: d_step { ALL_NONE -> md[p] = (md[p] + 1) % 3 } \
  /* Operations. */ \
  :: d_step { st[p] == NONE -> st[p] = PROVISIONING; rs[p] = 0; at[p] = 0; rp[p] = 1; cs[p] = C_NONE; CHECK } \
  :: d_step { st[p] == RUNNING && CDC_MODES(p) -> st[p] = PAUSING; CHECK } \
  :: d_step { st[p] == PAUSED -> skip } /* pause: idempotent */ \
  :: d_step { st[p] == PAUSED && rp[p] -> st[p] = RUNNING; CHECK } \
  :: d_step { st[p] == PAUSED && !rp[p] -> FAIL_POINT_LOST(p); CHECK } \
  :: d_step { st[p] == FAILED && CDC_MODES(p) && rp[p] && cs[p] != C_IRRECOVERABLE -> \
              st[p] = RUNNING; cs[p] = C_NONE; CHECK } \
  :: d_step { (st[p] == RUNNING || st[p] == PAUSED || st[p] == COMPLETED || st[p] == FAILED) -> \
              BEGIN_RESYNC(p); CHECK } \
  :: d_step { st[p] == PAUSED -> st[p] = SETUP; at[p] = 1; cs[p] = C_NONE; CHECK } /* add_tables */ \
  :: d_step { st[p] == PAUSED -> st[p] = MODIFYING; CHECK } /* remove_tables */ \
  :: d_step { st[p] == PAUSED -> skip } /* edit_settings */ \
  /* Events. */ \
  :: d_step { st[p] == PROVISIONING -> st[p] = SETUP; CHECK } \
  :: d_step { st[p] == SETUP && (md[p] != M_CDC_ONLY || rs[p] || at[p]) -> st[p] = SNAPSHOT; CHECK } \
  :: d_step { st[p] == SETUP && md[p] == M_CDC_ONLY && !rs[p] && !at[p] && rp[p] -> st[p] = RUNNING; CHECK } \
  :: d_step { st[p] == SETUP && md[p] == M_CDC_ONLY && !rs[p] && !at[p] && !rp[p] -> FAIL_POINT_LOST(p); CHECK } \
  :: d_step { st[p] == SNAPSHOT && CDC_MODES(p) && !rs[p] && rp[p] -> \
              st[p] = (PLANT -> COMPLETED : RUNNING); END_LOAD(p); CHECK } \
  :: d_step { st[p] == SNAPSHOT && CDC_MODES(p) && !rs[p] && !rp[p] -> FAIL_POINT_LOST(p); CHECK } \
  :: d_step { st[p] == SNAPSHOT && md[p] == M_SNAPSHOT && !rs[p] -> st[p] = COMPLETED; END_LOAD(p); CHECK } \
  :: d_step { st[p] == SNAPSHOT && rs[p] -> st[p] = RESYNC; CHECK } \
  :: d_step { st[p] == PAUSING -> st[p] = PAUSED; CHECK } \
  :: d_step { st[p] == MODIFYING && rp[p] -> st[p] = RUNNING; CHECK } \
  :: d_step { st[p] == MODIFYING && !rp[p] -> FAIL_POINT_LOST(p); CHECK } \
  :: d_step { st[p] == RESYNC && CDC_MODES(p) && rp[p] -> st[p] = RUNNING; END_LOAD(p); CHECK } \
  :: d_step { st[p] == RESYNC && CDC_MODES(p) && !rp[p] -> FAIL_POINT_LOST(p); CHECK } \
  :: d_step { st[p] == RESYNC && md[p] == M_SNAPSHOT -> st[p] = COMPLETED; END_LOAD(p); CHECK } \
  /* Faults of one pipe. */ \
  :: d_step { irrecoverable_spent < B_IRRECOVERABLE && st[p] != NONE && st[p] != COMPLETED && \
              st[p] != FAILED -> irrecoverable_spent++; FAIL_IRRECOVERABLE(p); CHECK } \
  :: d_step { expiry_spent < B_EXPIRY && st[p] == RUNNING && CDC_MODES(p) -> \
              expiry_spent++; FAIL_POINT_LOST(p); CHECK } \
  :: d_step { expiry_spent < B_EXPIRY && st[p] != NONE && st[p] != RUNNING && st[p] != COMPLETED && \
              CDC_MODES(p) && rp[p] -> expiry_spent++; rp[p] = 0; CHECK } \
  :: d_step { lag_spent < B_LAG && st[p] == RUNNING -> lag_spent++; CHECK }

active proctype service()
{
  do
  PIPE(0)
#if N > 1
  PIPE(1)
#endif
#if N > 2
  PIPE(2)
#endif
#if N > 3
  PIPE(3)
#endif
#if N > 4
  PIPE(4)
#endif
  /* Service-wide faults: they change no pipe, only the budget. */
  :: d_step { crash_spent < B_CRASH && (ANY_CRASH_TARGET) -> crash_spent++; CHECK }
  :: d_step { outage_spent < B_OUTAGE && (ANY_OUTAGE_TARGET) -> outage_spent++; CHECK }
  od
}
