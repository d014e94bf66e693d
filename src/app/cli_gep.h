// cli_gep.h: `gep run` with the tiles summed by a caller's engine — the MPI driver (gep_mpi.cpp)
// prints and records exactly what the one-process command does.
#pragma once

#include "app/commands.h"
#include "service/gep.h"

namespace shanshui::app {

/// `shanshui gep run` with `sum` spreading each year's tiles (empty = this process).
int gep_run(const Common& c, const GepArgs& a, const service::SumTiles& sum);

}  // namespace shanshui::app
