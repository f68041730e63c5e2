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

    /// <summary>A render made with <see cref="Slots"/>, as it would have come out rendered for this reader.</summary>
    public RenderedEmail FillIn(RenderedEmail shared) => shared with
    {
        Html = Replace(shared.Html, Html(Greeting), Html(PreferencesUrl), Html(UnsubscribeUrl)),
        Text = Replace(shared.Text, Greeting, PreferencesUrl, UnsubscribeUrl),
    };

    private static string Replace(string shared, string greeting, string preferences, string unsubscribe) => shared
        .Replace(Slots.Greeting, greeting, StringComparison.Ordinal)
        .Replace(Slots.PreferencesUrl, preferences, StringComparison.Ordinal)
        .Replace(Slots.UnsubscribeUrl, unsubscribe, StringComparison.Ordinal);

    private static string Html(string value) => DigestRenderer.UndoNeedlessEscapes(DigestRenderer.Encoder.Encode(value));
}
