using Digest.RazorGenerator;

// Digest.RazorGenerator OUTPUT_FOLDER ROOT TEMPLATE.cshtml...
// Turns each Razor template into C# (what RazorLight would compile at run time), so Digest compiles its templates with
// the rest of its code and no process ever starts Roslyn to render a page or an email.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Digest.RazorGenerator OUTPUT_FOLDER ROOT TEMPLATE.cshtml...");
    return 2;
}

var written = await TemplateSources.WriteAsync(args[0], args[1], args[2..]);
Console.WriteLine($"Digest.RazorGenerator: {args.Length - 2} templates, {written} file(s) changed in {args[0]}");
return 0;
