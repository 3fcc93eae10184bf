/// What an organisation number is in the registry.
public enum Organisasjon: Hashable, Sendable {
    case embete(Embete)
    case navEnhet(NavEnhet)
    case statligNav(StatligNavEnhet)

    public var navn: String {
        switch self {
        case .embete(let embete): embete.navn
        case .navEnhet(let enhet): enhet.navn
        case .statligNav(let statlig): statlig.navn
        }
    }
}
