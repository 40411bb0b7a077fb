import Foundation
import Mustache

/// A list page rendered with a marker where each card goes, so that `serve` can rebuild it
/// after a card changed by putting the new cards in, without running its template again.
///
/// Retitling a briefing changes its card, and with it every entity page, tag page and list
/// page that lists it, and the timeline: at 10,000 briefings about 30 pages and 45 MB of HTML,
/// seconds of Mustache for a one-word edit. Everything on those pages except the cards is
/// unchanged, so the skeleton of each is kept (keyed by `PageKeys.skeletonKey`, which covers
/// every value of the page's context except the cards and the values the cards already show)
/// and the page is spliced again from it.
///
/// Exact by construction:
/// - a marker takes the card's place in the template's output, with the card's shape (empty or
///   not, ending in a line break or not), because Mustache's partial indentation looks at both;
///   the shape of every card is part of the skeleton key (`CardMarkers.shapes`), and a card that
///   would join a line break next to it into one character is not replaced by a marker;
/// - the items that carry a marker note when the template reads one of the values the card
///   also shows (`title`, `summary`, an event's `briefing`); such a skeleton is used for its
///   own build but never kept;
/// - a marker used as anything but text (`{{card.html}}`, a transform, an item printed whole),
///   or one that reached the output escaped (`{{card}}` instead of `{{{card}}}`) or damaged,
///   makes the page render the ordinary way.
struct PageSkeleton: Sendable {
    private struct Slot: Sendable {
        var start: Int
        var end: Int
        var kind: CardMarkers.Kind
        var index: Int
    }

    private let bytes: [UInt8]
    private let slots: [Slot]

    /// Finds the markers in a page rendered with `CardMarkers`; nil when anything that looks
    /// like a marker is not one, so that the page is rendered again with its cards.
    init?(rendered text: String, view: ViewContext) {
        var bytes = Array(text.utf8)
        let nonce = Array(CardMarkers.nonce.utf8)
        var slots: [Slot] = []
        let count = bytes.count
        let parsed: Bool = bytes.withUnsafeMutableBufferPointer { buffer in
            var position = 0
            while position < count {
                guard buffer[position] == 0 else {
                    position += 1
                    continue
                }
                let start = position
                position += 1
                guard position + nonce.count < count, Array(buffer[position..<position + nonce.count]) == nonce else { return false }
                position += nonce.count
                guard let kind = CardMarkers.Kind(rawValue: buffer[position]) else { return false }
                position += 1
                var index = 0
                let digitsStart = position
                while position < count, buffer[position] >= 0x30, buffer[position] <= 0x39, position - digitsStart < 9 {
                    index = index * 10 + Int(buffer[position] - 0x30)
                    position += 1
                }
                guard position > digitsStart, position + 1 < count, buffer[position] == UInt8(ascii: "<"),
                      buffer[position + 1] == 0, let card = view.card(kind, index) else { return false }
                position += 2
                if CardMarkers.shape(card) == .endsWithNewline {
                    guard position < count, buffer[position] == UInt8(ascii: "\n") else { return false }
                    position += 1
                }
                slots.append(Slot(start: start, end: position, kind: kind, index: index))
            }
            return true
        }
        guard parsed else { return nil }
        self.bytes = bytes
        self.slots = slots
        bytes = []
    }

    /// The page with the cards of `view` in place of the markers.
    func splice(_ view: ViewContext) -> Data? {
        view.briefingCards.withUnsafeBufferPointer { briefingCards in
            view.eventCards.withUnsafeBufferPointer { eventCards in
                var size = bytes.count
                for slot in slots {
                    let cards = slot.kind == .briefing ? briefingCards : eventCards
                    guard slot.index < cards.count else { return nil }
                    size += cards[slot.index].html.utf8.count - (slot.end - slot.start)
                }
                // Written once into uninitialized memory: pages of megabytes are spliced on every save.
                let output = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 1)
                var written = 0
                func copy(_ source: UnsafeRawBufferPointer) {
                    guard let base = source.baseAddress, source.count > 0 else { return }
                    (output + written).copyMemory(from: base, byteCount: source.count)
                    written += source.count
                }
                bytes.withUnsafeBytes { skeleton in
                    var copied = 0
                    for slot in slots {
                        copy(UnsafeRawBufferPointer(rebasing: skeleton[copied..<slot.start]))
                        var card = (slot.kind == .briefing ? briefingCards : eventCards)[slot.index].html
                        if card.utf8.withContiguousStorageIfAvailable({ copy(UnsafeRawBufferPointer($0)) }) == nil {
                            card.makeContiguousUTF8()
                            card.utf8.withContiguousStorageIfAvailable { copy(UnsafeRawBufferPointer($0)) }
                        }
                        copied = slot.end
                    }
                    copy(UnsafeRawBufferPointer(rebasing: skeleton[copied...]))
                }
                return Data(bytesNoCopy: output, count: written, deallocator: .custom { pointer, _ in pointer.deallocate() })
            }
        }
    }
}

/// The list pages of one `serve` build, rendered through their skeletons.
struct SkeletonLists: @unchecked Sendable {
    enum Outcome {
        case page(Data, Diagnostics)
        /// The page template does not exist (reported in the diagnostics).
        case failed(Diagnostics)
        /// The template did more with a marker than insert it: render the page with its cards.
        case renderWithCards
    }

    private let store: GenerationalCache<String, (key: Fingerprint, skeleton: PageSkeleton)>
    private let keys: PageKeys
    private let view: ViewContext
    private let marked: ViewContext
    private let shapes: Fingerprint

    /// Nil without a cache kept across builds (`serve`'s): a build renders each list once.
    init?(session: SessionCache?, keys: PageKeys?, view: ViewContext) {
        guard let session, !session.persistent, let keys else { return nil }
        store = session.skeletons
        self.keys = keys
        self.view = view
        marked = view.withMarkers()
        shapes = CardMarkers.shapes(of: view)
    }

    /// Carries the skeleton of a page reused whole into the next build, while its key is
    /// unchanged: a page can stay the same while its cards move (a newer briefing was added).
    func keep(_ job: PageJob, path: String) {
        guard let key = keys.skeletonKey(for: job, in: view.model, shapes: shapes) else { return }
        store.keep(path, where: { $0.key == key })
    }

    /// Nil for pages that are not lists of cards.
    func render(_ job: PageJob, path: String, templates: TemplateSet) -> Outcome? {
        guard let key = keys.skeletonKey(for: job, in: view.model, shapes: shapes) else { return nil }
        if let data = store.reuse(path, where: { $0.key == key })?.skeleton.splice(view) {
            return .page(data, Diagnostics())
        }
        let reads = SkeletonReads()
        var markedView = marked
        markedView.cardReads = reads
        let (template, context) = markedView.render(job)
        var diagnostics = Diagnostics()
        guard let text = templates.render(context, template: template, diagnostics: &diagnostics) else {
            return .failed(diagnostics)
        }
        guard !reads.markerMisused, let skeleton = PageSkeleton(rendered: text, view: view),
              let data = skeleton.splice(view) else { return .renderWithCards }
        if !reads.cardValues && diagnostics.all.isEmpty { store.record(path, (key, skeleton)) }
        return .page(data, diagnostics)
    }
}

/// The markers that stand for cards while a skeleton is rendered.
enum CardMarkers {
    enum Kind: UInt8, Sendable {
        case briefing = 0x62  // "b"
        case event = 0x65  // "e"
    }

    /// What Mustache's partial indentation can tell of a card: whether it is empty, whether its
    /// last character is a line break, and whether it would join a line break before or after
    /// it into one character (it starts with LF or ends with CR).
    enum Shape: UInt8 {
        case empty, plain, endsWithNewline, joinsLineBreaks
    }

    static func shape(_ card: HTMLFragment) -> Shape {
        guard let first = card.html.unicodeScalars.first, let last = card.html.unicodeScalars.last else { return .empty }
        if first == "\n" || last == "\r" { return .joinsLineBreaks }
        return card.html.last == "\n" ? .endsWithNewline : .plain
    }

    /// Differs in every process, so that no content can spell a marker on purpose; skeletons
    /// never outlive the process (they are kept by `serve` only).
    static let nonce: String = String(UInt64.random(in: .min ... .max), radix: 36)

    /// `\0`, the nonce, the kind, the index, `<\0`: a marker escaped by `{{card}}` loses its `<`
    /// and is rejected. It ends with a line break when the card does. An empty card stays empty,
    /// and a card that joins line breaks stays itself (a page that shows one is not kept).
    static func marker(_ kind: Kind, _ index: Int, for card: HTMLFragment) -> HTMLFragment {
        let shape = shape(card)
        guard shape == .plain || shape == .endsWithNewline else { return card }
        let text = "\u{0}\(nonce)\(Character(Unicode.Scalar(kind.rawValue)))\(index)<\u{0}" + (shape == .endsWithNewline ? "\n" : "")
        return HTMLFragment(html: text, digest: card.digest)
    }

    /// The digest of every card's shape, part of every skeleton key.
    static func shapes(of view: ViewContext) -> Fingerprint {
        var key = Fingerprint()
        for cards in [view.briefingCards, view.eventCards] {
            key.combine(UInt64(cards.count))
            for card in cards { key.combine(byte: shape(card).rawValue) }
        }
        return key
    }
}

/// What the template did while a skeleton rendered. One page renders on one thread.
final class SkeletonReads: @unchecked Sendable {
    /// It read a value the cards also show, or showed a card that is not a marker: the skeleton
    /// is right for this build, but not kept.
    private(set) var cardValues = false
    /// It used a marker as anything but text to insert (its fields, a transform, a whole item
    /// printed): the skeleton is wrong, and the page is rendered with its cards.
    private(set) var markerMisused = false
    func noteCardValues() { cardValues = true }
    func noteMarkerMisused() { markerMisused = true }
}

/// A card while a skeleton renders: text to insert, and nothing else.
final class CardMarker: MustacheParent, MustacheTransformable, MustacheCustomRenderable, CustomStringConvertible,
    CustomDebugStringConvertible {
    private let fragment: HTMLFragment
    private let reads: SkeletonReads

    init(_ fragment: HTMLFragment, reads: SkeletonReads) {
        self.fragment = fragment
        self.reads = reads
    }

    var renderText: String {
        if !fragment.html.isEmpty && fragment.html.first != "\u{0}" { reads.noteCardValues() }
        return fragment.html
    }

    var isNull: Bool { fragment.html.isEmpty }

    func child(named: String) -> Any? {
        reads.noteMarkerMisused()
        return nil
    }

    func transform(_ name: String) -> Any? {
        reads.noteMarkerMisused()
        return nil
    }

    var description: String {
        reads.noteMarkerMisused()
        return ""
    }

    var debugDescription: String { description }
}

/// A list item while a skeleton renders: the same values as the plain dictionary, noting reads
/// of those the card shows (see `PageSkeleton`).
final class SkeletonItem: MustacheParent, MustacheTransformable, MustacheCustomRenderable, CustomStringConvertible,
    CustomDebugStringConvertible {
    /// The values of a briefing item, and of an event item, that its card shows too.
    static let briefingCardFields: Set<String> = ["title", "summary"]
    static let eventCardFields: Set<String> = ["title", "briefing"]

    private let values: [String: Any]
    private let cardFields: Set<String>
    private let reads: SkeletonReads

    init(_ values: [String: Any], cardFields: Set<String>, reads: SkeletonReads) {
        self.values = values
        self.cardFields = cardFields
        self.reads = reads
    }

    func child(named name: String) -> Any? {
        if cardFields.contains(name) { reads.noteCardValues() }
        return values[name]
    }

    // A transform or `{{.}}` sees every value, the marker's text included.
    func transform(_ name: String) -> Any? {
        reads.noteMarkerMisused()
        return nil
    }

    var renderText: String { description }

    var isNull: Bool { false }

    var description: String {
        reads.noteMarkerMisused()
        return ""
    }

    var debugDescription: String { description }
}
