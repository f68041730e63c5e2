namespace Digest.Links;

/// <summary>What a signed token lets its bearer do; a token for one purpose is refused for any other.</summary>
public enum LinkPurpose
{
    Unsubscribe,
    Preferences,
    Confirm,
    EditorSession,
    /// <summary>Download or erase one reader's data: mailed on request from the preference page, valid for an hour.</summary>
    DataAccess,
    /// <summary>The return path of one digest (issue and reader): a bounce mailed back to it names whom it is about.</summary>
    ReturnPath,
}
