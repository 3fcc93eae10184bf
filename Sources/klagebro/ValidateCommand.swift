import ArgumentParser

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate messages against the schemas.")
    func run() throws { throw ExitCode(2) }
}
