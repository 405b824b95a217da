/// Why a regeneration failed: one line naming the input and the problem.
public struct SiteError: Error, CustomStringConvertible, Equatable {
    /// The file (or setting) at fault, relative to the project root where possible.
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    public let problem: String

    public init(file: String, line: Int? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line { return "\(file):\(line): \(problem)" }
        return "\(file): \(problem)"
    }
}
