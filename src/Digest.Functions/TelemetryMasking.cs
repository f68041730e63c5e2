using Digest.Links;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;

namespace Digest.Functions;

/// <summary>
/// Masks link tokens and addresses in everything the worker sends to Application Insights: request
/// and dependency URLs, log messages and their properties. A token in a URL is a reader's rights
/// (unsubscribe, preferences, export, erase), and an App Insights reader must not be able to use it.
/// The host's own request records carry no URL at all (host.json: enableHttpTriggerExtendedInfoCollection false).
/// </summary>
public sealed class TelemetryMasking : ITelemetryInitializer
{
    public void Initialize(ITelemetry telemetry)
    {
        switch (telemetry)
        {
            case RequestTelemetry request:
                request.Name = Redaction.Apply(request.Name);
                request.Url = request.Url is null ? null : new Uri(Redaction.Apply(request.Url.OriginalString), UriKind.RelativeOrAbsolute);
                break;
            case DependencyTelemetry dependency:
                dependency.Name = Redaction.Apply(dependency.Name);
                dependency.Data = Redaction.Apply(dependency.Data);
                break;
            case TraceTelemetry trace:
                trace.Message = Redaction.Apply(trace.Message);
                break;
            case ExceptionTelemetry exception:
                exception.Message = Redaction.Apply(exception.Message);
                break;
        }

        if (telemetry is ISupportProperties withProperties)
        {
            foreach (var key in withProperties.Properties.Keys.ToList())
            {
                withProperties.Properties[key] = Redaction.Apply(withProperties.Properties[key]);
            }
        }
    }
}
