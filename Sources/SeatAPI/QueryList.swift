import Hummingbird

extension Request {
    /// A list in the query, as `?near=E7,E8` or `?near=E7&near=E8`, or both; an empty
    /// parameter adds nothing.
    func queryList(_ name: String) -> [String] {
        uri.queryParameters.getAll(name).filter { !$0.isEmpty }.flatMap { value in
            value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
