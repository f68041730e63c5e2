using Digest.Links;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Digest.Cli;

/// <summary>
/// The console log line of every command, as the simple formatter writes it on one line ("info: Category[0] message"),
/// with every link token and address masked (<see cref="Redaction"/>): ASP.NET Core logs request URLs, and a URL
/// with a token is a reader's rights, whatever level an operator turns logging up to. The Functions app masks its
/// telemetry the same way (TelemetryMasking).
/// </summary>
public sealed class MaskedConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "masked";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        });
        textWriter.Write($": {logEntry.Category}[{logEntry.EventId.Id}] ");
        textWriter.Write(Redaction.Apply(message ?? "").ReplaceLineEndings(" "));
        if (logEntry.Exception is { } failure)
        {
            textWriter.Write(' ');
            textWriter.Write(Redaction.Apply(failure.ToString()).ReplaceLineEndings(" "));
        }

        textWriter.WriteLine();
    }
}
