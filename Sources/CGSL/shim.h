// The parts of GSL that flatlab's Numerics module wraps.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_eigen.h>

// GSL names its algorithms through global variables; these accessors hand them to Swift without
// exposing mutable global state (Swift 6 rejects unsynchronised access to imported C globals).
static inline const gsl_root_fsolver_type *flatlab_root_fsolver_brent(void) { return gsl_root_fsolver_brent; }
static inline const gsl_root_fdfsolver_type *flatlab_root_fdfsolver_steffenson(void) { return gsl_root_fdfsolver_steffenson; }
static inline const gsl_multiroot_fdfsolver_type *flatlab_multiroot_fdfsolver_hybridsj(void) { return gsl_multiroot_fdfsolver_hybridsj; }
static inline const gsl_min_fminimizer_type *flatlab_min_fminimizer_brent(void) { return gsl_min_fminimizer_brent; }
