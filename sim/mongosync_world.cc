// sim/mongosync_world.cc: being written.
