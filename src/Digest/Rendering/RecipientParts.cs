using System.Runtime.CompilerServices;

namespace Digest.Rendering;

/// <summary>
/// The parts of a digest that differ from one reader to the next when the posts are the same:
/// the greeting (it has the name) and the reader's own preferences and unsubscribe links.
/// <see cref="Slots"/> stands in for them so one render serves every reader of the same posts;
/// <see cref="FillIn"/> then writes a reader's own parts where the slots are, encoded as the
/// template would have encoded them.
/// </summary>
public sealed record RecipientParts(string Greeting, string PreferencesUrl, string UnsubscribeUrl)
{
    // Letters and digits only, so neither encoder touches them; random per process, so no post can spell one.
    private static readonly string Marker = "DigestSlot" + Guid.NewGuid().ToString("N");

    public static RecipientParts Slots { get; } = new(Marker + "Greeting", Marker + "Preferences", Marker + "Unsubscribe");

    // Where the slots are in a shared render, found once per render (every reader of those posts reuses it).
    private static readonly ConditionalWeakTable<string, SlottedText> Slotted = new();

    /// <summary>A render made with <see cref="Slots"/>, as it would have come out rendered for this reader.</summary>
    public RenderedEmail FillIn(RenderedEmail shared) => shared with
    {
        Html = Slotted.GetValue(shared.Html, SlottedText.Parse).Fill(HtmlValues),
        Text = Slotted.GetValue(shared.Text, SlottedText.Parse).Fill(TextValues),
    };

    /// <summary>This reader's parts in slot order, as the text part has them (for a <see cref="Cut"/> of the text).</summary>
    public string[] TextValues => [Greeting, PreferencesUrl, UnsubscribeUrl];

    /// <summary>This reader's parts in slot order, HTML-encoded as the template would have encoded them.</summary>
    public string[] HtmlValues => [Html(Greeting), Html(PreferencesUrl), Html(UnsubscribeUrl)];

    /// <summary>
    /// A render made with <see cref="Slots"/> cut at its slots: each literal piece and the slot that follows it (-1 after the
    /// last). Filling each slot with <see cref="TextValues"/> or <see cref="HtmlValues"/> gives what <see cref="FillIn"/> gives.
    /// </summary>
    public static IReadOnlyList<(string Literal, int Slot)> Cut(string shared) => Slotted.GetValue(shared, SlottedText.Parse).Pieces;

    private static string Html(string value) => DigestRenderer.UndoNeedlessEscapes(DigestRenderer.Encoder.Encode(value));

    /// <summary>A shared render cut at its slots: each reader's copy is made in one allocation, without searching the text again.</summary>
    private sealed class SlottedText(List<(string Literal, int Slot)> pieces)
    {
        private static readonly string[] Names = [Slots.Greeting, Slots.PreferencesUrl, Slots.UnsubscribeUrl];

        public IReadOnlyList<(string Literal, int Slot)> Pieces => pieces;

        public static SlottedText Parse(string text)
        {
            // Each piece: the literal text before a slot, then the slot (-1 after the last literal).
            var pieces = new List<(string, int)>();
            var from = 0;
            for (var at = text.IndexOf(Marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Marker, from, StringComparison.Ordinal))
            {
                var slot = Array.FindIndex(Names, name => text.AsSpan(at).StartsWith(name, StringComparison.Ordinal));
                // A marker that names no slot (none is ever rendered) would stay as it is.
                var end = slot < 0 ? at + Marker.Length : at;
                pieces.Add((text[from..end], slot));
                from = slot < 0 ? end : at + Names[slot].Length;
            }

            pieces.Add((text[from..], -1));
            return new SlottedText(pieces);
        }

        public string Fill(string[] values)
        {
            var length = pieces.Sum(piece => piece.Literal.Length + (piece.Slot >= 0 ? values[piece.Slot].Length : 0));
            return string.Create(length, (pieces, values), static (output, state) =>
            {
                foreach (var (literal, slot) in state.pieces)
                {
                    literal.AsSpan().CopyTo(output);
                    output = output[literal.Length..];
                    if (slot >= 0)
                    {
                        state.values[slot].AsSpan().CopyTo(output);
                        output = output[state.values[slot].Length..];
                    }
                }
            });
        }
    }
}
