namespace Digest.Web;

/// <summary>Renders the web pages from their Razor templates (compiled at build); no external scripts, fonts or styles.</summary>
public sealed class PageRenderer(Rendering.RazorTemplates templates)
{
    /// <summary>The one stylesheet, inline: readable on a phone, keyboard focus visible, dark mode.</summary>
    public const string Css =
        "body{margin:0;font:17px/1.55 Georgia,'Times New Roman',serif;color:#1f1d1a;background:#f3f1ed}" +
        "main{max-width:640px;margin:0 auto;padding:24px 18px 48px;background:#fff}" +
        "h1{font-size:26px;line-height:1.25}h2{font-size:21px;line-height:1.3;margin-top:32px}" +
        "a{color:#1a56a8}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0a500;outline-offset:2px}" +
        "fieldset{border:1px solid #d9d4ca;border-radius:6px;margin:0 0 18px;padding:12px 14px}legend{font-weight:bold;padding:0 6px}" +
        "label.choice{display:block;padding:6px 0;min-height:28px}label{margin-right:8px}" +
        "select,input[type=number]{font:inherit;padding:6px;margin:4px 0 10px;max-width:100%}" +
        "button{font:inherit;font-weight:bold;color:#fff;background:#1a56a8;border:0;border-radius:6px;padding:12px 20px;cursor:pointer;min-height:44px}" +
        ".hint{color:#5f5b55;font-size:15px}.error{color:#a3201b;font-weight:bold}.notice{background:#e8f3e8;padding:10px 12px;border-radius:6px}" +
        ".notice.error{background:#fbe9e7}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
        // Whatever a blog's HTML brings stays inside a phone's width: long words and URLs break, wide tables scroll in their own box.
        "article{overflow-wrap:anywhere}article .body img{max-width:100%;height:auto}" +
        "article .body table{display:block;overflow-x:auto;max-width:100%}article .body th,article .body td{overflow-wrap:normal;min-width:4.5em}article .body pre{white-space:pre-wrap;overflow-x:auto;font-size:14px;background:#f7f5f1;padding:10px;border-radius:6px}" +
        "article .body code{font-size:0.9em}article .body blockquote{margin:12px 0;padding:0 0 0 14px;border-left:3px solid #d9d4ca;color:#3d3a36}" +
        "article .body ul,article .body ol{padding-left:22px}" +
        "main.wide{max-width:1340px}.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:15px}" +
        "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d9d4ca;vertical-align:top}" +
        "textarea,input[type=email],input[type=password],input[type=text]{font:inherit;width:100%;box-sizing:border-box;padding:8px;margin:4px 0 10px}" +
        ".frames{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.frames figure{margin:0;max-width:100%;overflow-x:auto}" +
        "iframe{border:1px solid #d9d4ca;background:#fff;display:block}.row{display:flex;gap:12px;flex-wrap:wrap;align-items:center;justify-content:space-between}" +
        "pre.text{white-space:pre-wrap;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#f7f5f1;padding:12px;border-radius:6px}" +
        "@media (prefers-color-scheme:dark){body{background:#111318;color:#e8e6e3}main{background:#1c1f26}a{color:#8ab4f8}" +
        ".hint{color:#a9adb6}.error{color:#ff8a80}.notice{background:#22352a}.notice.error{background:#3b2323}fieldset{border-color:#2e323b}pre.text{background:#15171c}th,td{border-color:#2e323b}" +
        "article .body pre{background:#15171c}article .body blockquote{color:#c9c6c1;border-color:#2e323b}}";

    public async Task<string> RenderAsync<T>(string template, T model) =>
        Rendering.DigestRenderer.UndoNeedlessEscapes(await templates.RenderAsync("Web.Templates." + template, model));
}
