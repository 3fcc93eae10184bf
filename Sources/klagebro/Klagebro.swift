import ArgumentParser

@main
struct Klagebro: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klagebro",
        abstract: "Case exchange for appeals on economic social assistance (NAV → Statsforvalter).",
        subcommands: [Serve.self, Validate.self, Migrate.self, Token.self, RegistryCommand.self, Audit.self])
}
