#pragma once
/// The error family lives in the public header, so that the library and the command line
/// throw the same types; internal code keeps including it by this path.

#include <migrate/error.hpp>
