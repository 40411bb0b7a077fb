import Foundation

/// A calendar date at year, month or day precision, optionally with a time of day.
///
/// Partial dates sort before full dates of the same period ("2014" before "2014-06" before
/// "2014-06-10"), so a timeline reads from the general to the specific.
public struct SiteDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var year: Int
    public var month: Int?
    public var day: Int?
    /// `HH:MM:SS` and a zone (`Z` or `+hh:mm`) when a full ISO 8601 date-time was written.
    public var time: String?

    public var precision: Precision {
        day != nil ? .day : (month != nil ? .month : .year)
    }

    public init(year: Int, month: Int? = nil, day: Int? = nil, time: String? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.time = time
    }

    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an ISO 8601 date-time. Impossible dates
    /// (2017-02-30) are rejected.
    public init?(parsing text: String) {
        if let (year, month, day) = Self.plainDigits(text) {
            guard Self.valid(year: year, month: month, day: day) else { return nil }
            self.init(year: year, month: month, day: day, time: nil)
            return
        }
        let text = text.trimmingWhitespace()
        var datePart = Substring(text)
        var time: String?
        if let separator = text.firstIndex(where: { $0 == "T" || $0 == " " }) {
            datePart = text[..<separator]
            guard let parsed = Self.parseTime(text[text.index(after: separator)...]) else { return nil }
            time = parsed
        }
        let parts = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4,
              parts.dropFirst().allSatisfy({ $0.count == 2 }),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), year >= 1 else { return nil }
        let month = parts.count > 1 ? Int(parts[1]) : nil
        let day = parts.count > 2 ? Int(parts[2]) : nil
        guard Self.valid(year: year, month: month, day: day) else { return nil }
        if time != nil, day == nil { return nil }
        self.init(year: year, month: month, day: day, time: time)
    }

    private static func valid(year: Int, month: Int?, day: Int?) -> Bool {
        guard year >= 1 else { return false }
        if let month, !(1...12).contains(month) { return false }
        if let month, let day, !(1...daysIn(month: month, year: year)).contains(day) { return false }
        return true
    }

    /// The fields of `YYYY`, `YYYY-MM` or `YYYY-MM-DD` written exactly so (nearly every date in
    /// front matter), read from the bytes; nil for any other text, which takes the general path.
    private static func plainDigits(_ text: String) -> (year: Int, month: Int?, day: Int?)? {
        let utf8 = text.utf8
        let count = utf8.count
        guard count == 4 || count == 7 || count == 10 else { return nil }
        return utf8.withContiguousStorageIfAvailable { bytes -> (Int, Int?, Int?)? in
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = bytes[index] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let year = number(0..<4) else { return nil }
            guard count > 4 else { return (year, nil, nil) }
            guard bytes[4] == UInt8(ascii: "-"), let month = number(5..<7) else { return nil }
            guard count > 7 else { return (year, month, nil) }
            guard bytes[7] == UInt8(ascii: "-"), let day = number(8..<10) else { return nil }
            return (year, month, day)
        } ?? nil
    }

    private static func parseTime(_ text: Substring) -> String? {
        let pattern = #"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else { return nil }
        var time = String(text)
        if time.count == 5 || (time.count > 5 && !time.dropFirst(5).hasPrefix(":")) {
            time.insert(contentsOf: ":00", at: time.index(time.startIndex, offsetBy: 5))
        }
        let zoneStart = time.firstIndex { $0 == "Z" || $0 == "+" || $0 == "-" }
        if zoneStart == nil { time += "Z" }
        return time
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2014`, `2014-06` or `2014-06-10`. Built by hand: this runs for every list item and
    /// `String(format:)` showed up in profiles.
    public var description: String {
        var text = Self.padded(year, 4)
        if let month { text += "-" + Self.padded(month, 2) }
        if let day { text += "-" + Self.padded(day, 2) }
        return text
    }

    /// RFC 3339 timestamp for feeds and sitemaps; partial dates fall on the period's first day.
    public var rfc3339: String {
        Self.padded(year, 4) + "-" + Self.padded(month ?? 1, 2) + "-" + Self.padded(day ?? 1, 2) + "T" + (time ?? "00:00:00Z")
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// Human form at the date's own precision: "2014", "June 2014", "10 June 2014".
    public var display: String {
        guard let month else { return String(year) }
        let name = Self.monthNames[month - 1]
        guard let day else { return "\(name) \(year)" }
        return "\(day) \(name) \(year)"
    }

    public var monthName: String? { month.map { Self.monthNames[$0 - 1] } }

    private var sortKey: (Int, String) {
        (packedDay, time ?? "")
    }

    /// Year, month, day and precision as one number, in that order of significance: dates with
    /// the same time of day (or none) compare as their packed days do.
    var packedDay: Int {
        ((year * 16 + (month ?? 0)) * 32 + (day ?? 0)) * 4 + precision.rawValue
    }

    public static func < (lhs: SiteDate, rhs: SiteDate) -> Bool {
        lhs.sortKey < rhs.sortKey
    }
}
