// bindings/registry.h: the lifecycles pipecheck knows, chosen by name.
#pragma once
