import Foundation

extension Registry {
    /// The development registry: the shipped structure plus `Resources/register-utvikling.json`, a
    /// registry file marked `"synthetic": true` with made-up organisation numbers (starting with 31,
    /// valid check digits, as in Schemas/examples) for every embete, the NAV units of the examples,
    /// one NAV unit without digital receipt (NAV Lærdal og Årdal, 310053694) and one state NAV number
    /// to refuse (310099007), plus real pre-2024 kommune numbers (3001, 3801, 3803, 5401, valid until
    /// 2024-01-01) for the "expired" refusal.
    ///
    /// `containsSyntheticData` is true for it: a server in production mode must refuse to start.
    public static func development() throws(RegistryError) -> Registry {
        try developmentResult.get()
    }

    private static let developmentResult: Result<Registry, RegistryError> = Result { () throws(RegistryError) -> Registry in
        guard let url = Bundle.module.url(forResource: "register-utvikling", withExtension: "json", subdirectory: "Resources") else {
            throw RegistryError("Resources/register-utvikling.json mangler i programpakken (development registry missing)")
        }
        return try shipped().merging(RegistryFile(contentsOf: url))
    }
}
