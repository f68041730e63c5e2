namespace Digest.Links;

/// <summary>What a signed token lets its bearer do; a token for one purpose is refused for any other.</summary>
public enum LinkPurpose
{
    Unsubscribe,
    Preferences,
    Confirm,
    EditorSession,
}
