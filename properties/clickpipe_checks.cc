// properties/clickpipe_checks.cc: being written.
