// serve/clickpipes_api.h: the ClickHouse Cloud ClickPipes API (sources.md 1.4)
// on a Session of the ClickPipe model.
//
// The paths are the OpenAPI's. `{org}` and `{svc}` can be any value: the
// session is one service, and `serviceId` in a result is the `{svc}` that the
// request used.
//
//   POST   /v1/organizations/{org}/services/{svc}/clickpipes                create
//   GET    /v1/organizations/{org}/services/{svc}/clickpipes                list
//   GET    /v1/organizations/{org}/services/{svc}/clickpipes/{id}           get
//   PATCH  /v1/organizations/{org}/services/{svc}/clickpipes/{id}           table mappings, settings, name
//   DELETE /v1/organizations/{org}/services/{svc}/clickpipes/{id}           delete
//   PATCH  /v1/organizations/{org}/services/{svc}/clickpipes/{id}/state     {"command": "start"|"stop"|"resync"}
//   GET    /v1/organizations/{org}/services/{svc}/clickpipes/{id}/settings  the pipe's settings
//   PUT    /v1/organizations/{org}/services/{svc}/clickpipes/{id}/settings  edit the settings
//
// Answers: {"status": 200, "requestId": ID, "result": ...}; errors
// {"status": N, "error": TEXT, "requestId": ID} with the same N as the HTTP
// status. Request ids are UUID-like strings made from a counter of the
// requests this API has answered (the first is ...-000000000001).
//
// Which request becomes which step of the model (each one recorded in the
// session with its outcome, so the record replays to the same trace):
//   create                     create, on the first free pipe slot, with the
//                              body's replicationMode as the step's `mode`
//   state start | stop | resync  resume | pause | resync
//   PATCH tableMappingsToAdd     add_tables
//   PATCH tableMappingsToRemove  remove_tables
//   PATCH source.mongodb.settings, PUT .../settings  edit_settings
//   DELETE                     delete, a step of the service with no row in
//                              the model (sim/clickpipe_world.h): the pipe
//                              is gone and its slot is free for a later create
// A refusal of the model is answered with its status and words
// (model::clickpipe::Explain: 400 "ClickPipe is already running", 400
// "ClickPipe must be paused to edit", ...), except that an operation a state
// does not take is named as the client sent it: "ClickPipe in state
// Provisioning does not accept stop", not the model's `pause`. Requests the model never sees
// (bad auth, unknown id or path, a body that is not valid) change nothing and
// are not recorded. GET requests are not steps of the model and are not
// recorded either.
//
// Status codes chosen here, where the documentation gives none:
//   400  a body that is not JSON, not an object, or misses or misspells what
//        the model needs (the OpenAPI's own status for a bad request);
//   400  a replicationMode other than cdc in profile 2024, which has no modes;
//   400  no free pipe slot (config "pipes"; a delete frees one): the documented error statuses
//        are 400 and 500, and a full service is the client's problem;
//   400  a PATCH that carries more than one of tableMappingsToAdd,
//        tableMappingsToRemove and settings: the model takes one edit a step;
//   401  --api-key set and the request lacks HTTP Basic auth with exactly it;
//   404  an unknown pipe id (or a deleted one), an unknown path under /v1;
//   405  a known path with a method it does not take (an Allow header lists
//        the ones it takes);
//   500  an internal error, in the same error shape.
// 424 FAILED_DEPENDENCY is documented (sources.md 1.4): while the service is
// idle (the control API's `idle` fault, sim/clickpipe_world.h) every request
// to these routes is answered 424, reads included, and changes nothing. The
// service wakes when the fault's `for` ends or at a pipe's next CDC sync.
//
// What the world models and what it does not:
//   - The world's pipes replicate the source's config "collections"
//     collections from create on, whatever tableMappings the create names;
//     an accepted add or remove edit is one collection added or removed in
//     the world, however many mappings it lists. The API keeps the mappings
//     as the requests gave them and reports them back.
//   - syncIntervalSeconds and pullBatchSize are kept and reported as the
//     requests gave them; the world runs with config "sync_interval" and
//     "pull_batch_size".
//   - Each pipe runs the replicationMode its create named (cdc, cdc_only,
//     snapshot); config "mode" is only the default of a scenario's create.
//   - Ids: a pipe's id is ClickPipeId(seed, n) for the n-th create of the
//     session (from 0), so a pipe created after a delete in a freed slot has
//     a new id and the deleted one stays unknown (404).
//   - Other fields of a request (credentials, certificates, destination
//     settings) are accepted and not kept; credentials are never echoed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "serve/http.h"
#include "serve/session.h"

namespace pipecheck::serve {

struct ClickPipesApiOptions {
  // "ID:SECRET": every request must carry HTTP Basic auth with exactly this
  // key id and secret (401 otherwise). Empty: any key, or none, is accepted.
  std::string api_key;
};

// The API's routes over `session`, every error in its shape.
// REQUIRES: `session` is a ClickPipe session (its world a sim::ClickPipeWorld);
// throws std::invalid_argument otherwise. `session` outlives the router.
std::unique_ptr<Router> MakeClickPipesApi(Session& session, const ClickPipesApiOptions& options);

// The API id of the `creation`-th pipe created in a session with this seed
// (counted from 0; without deletes it is the pipe's slot): a UUID-like
// string (version 4 layout) derived from the seed and that number only.
std::string ClickPipeId(std::uint64_t seed, int creation);

// The slot of the pipe whose id or name, as this API returned it, is
// `id_or_name`, in a ClickPipe session; for the control API's faults. A name
// counts only when one pipe has it and the session's API is live. nullopt
// with `why` set when no single pipe matches.
std::optional<int> FindClickPipe(const Session& session, std::string_view id_or_name, std::string* why);

}  // namespace pipecheck::serve
