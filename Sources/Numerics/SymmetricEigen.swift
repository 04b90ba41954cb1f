import CGSL

/// Eigen-decomposition of real symmetric matrices.
public enum SymmetricEigen {
    /// Eigenvalues (ascending) and unit eigenvectors by `gsl_eigen_symmv` (Householder
    /// tridiagonalisation and implicit QL), sorted with `gsl_eigen_symmv_sort`. `vectors[i]`
    /// belongs to `values[i]`; its sign is GSL's choice. The matrix must be square and symmetric
    /// to 1e-12 relative; only its lower triangle is read.
    public static func symmv(_ matrix: [[Double]]) throws -> (values: [Double], vectors: [[Double]]) {
        prepareGSL()
        let n = matrix.count
        guard n > 0, matrix.allSatisfy({ $0.count == n }) else {
            throw NumericsError.invalidArgument(routine: "gsl_eigen_symmv", reason: "the matrix must be square and non-empty")
        }
        let scale = matrix.flatMap { $0 }.map(abs).max() ?? 0
        for i in 0..<n { for j in 0..<i where abs(matrix[i][j] - matrix[j][i]) > 1e-12 * max(scale, 1e-300) {
            throw NumericsError.invalidArgument(routine: "gsl_eigen_symmv", reason: "the matrix is not symmetric (entries [\(i)][\(j)] and [\(j)][\(i)] differ)")
        } }
        guard matrix.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw NumericsError.nonFinite(routine: "gsl_eigen_symmv") }
        guard let a = gsl_matrix_alloc(n, n), let values = gsl_vector_alloc(n), let vectors = gsl_matrix_alloc(n, n),
              let w = gsl_eigen_symmv_alloc(n) else {
            throw NumericsError.gsl(routine: "gsl_eigen_symmv_alloc", status: Int32(GSL_ENOMEM), reason: "out of memory")
        }
        defer { gsl_matrix_free(a); gsl_vector_free(values); gsl_matrix_free(vectors); gsl_eigen_symmv_free(w) }
        for i in 0..<n { for j in 0..<n { gsl_matrix_set(a, i, j, matrix[i][j]) } }
        try check(gsl_eigen_symmv(a, values, vectors, w), "gsl_eigen_symmv")
        try check(gsl_eigen_symmv_sort(values, vectors, GSL_EIGEN_SORT_VAL_ASC), "gsl_eigen_symmv_sort")
        return ((0..<n).map { gsl_vector_get(values, $0) },
                (0..<n).map { i in (0..<n).map { gsl_matrix_get(vectors, $0, i) } })
    }
}
