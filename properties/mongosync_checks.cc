// properties/mongosync_checks.cc: being written.
