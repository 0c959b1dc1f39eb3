// sim/clickpipe_world.cc: being written.
