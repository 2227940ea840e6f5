namespace Port.Sdk.Actions;

/// <summary>
/// Where a run waiting for approval is announced: Port's <c>approvalNotification</c> (<c>{ "type": "webhook",
/// "format": "json" | "slack", "url": … }</c>). Without one, no notification is sent (Port's default is an email).
/// </summary>
/// <param name="Type">The type; <c>webhook</c> is the one Port documents.</param>
/// <param name="Format"><c>json</c> (the run, the action and its approvers) or <c>slack</c> (a Slack incoming-webhook message).</param>
/// <param name="Url">The URL the notification is posted to.</param>
public sealed record ActionApprovalNotification(string Type, string Format, Uri Url);
