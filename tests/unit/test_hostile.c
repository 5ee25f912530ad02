#include "scripted/fixture.h"
TestSuite(hostile, .init = fx_setup, .fini = fx_teardown, .timeout = 60);
