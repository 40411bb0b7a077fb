import DossierCore

/// The local preview server behind `dossier serve` (see issue 5).
public enum PreviewServer {}
