extension DefaultTheme { static let searchScript = "// search client: see issue 8\n" }
