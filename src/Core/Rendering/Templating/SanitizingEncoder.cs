using System.Text;
using HandlebarsDotNet;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Rendering.Templating;

/// <summary>Routes Handlebars' escaping through the one export sanitiser (emails and the upload page alike).</summary>
internal sealed class SanitizingEncoder : ITextEncoder
{
    public void Encode(StringBuilder? text, TextWriter target) => target.Write(ExportSanitizer.Html(text?.ToString()));
    public void Encode(string? text, TextWriter target) => target.Write(ExportSanitizer.Html(text));
    public void Encode<T>(T? text, TextWriter target) where T : IEnumerator<char>
    {
        if (text is null) return;
        var sb = new StringBuilder();
        while (text.MoveNext()) sb.Append(text.Current);
        target.Write(ExportSanitizer.Html(sb.ToString()));
    }
}
