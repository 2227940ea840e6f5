using System.Text.Json.Serialization;

namespace Port.Sdk.Actions;

/// <summary>The status of an <see cref="ActionRun"/>, written as Port writes it (<c>IN_PROGRESS</c>, <c>SUCCESS</c>, …).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionRunStatus>))]
public enum ActionRunStatus
{
    /// <summary>The run waits for an approval (<c>WAITING_FOR_APPROVAL</c>); nothing has been invoked.</summary>
    [JsonStringEnumMemberName("WAITING_FOR_APPROVAL")]
    WaitingForApproval,

    /// <summary>The run is under way (<c>IN_PROGRESS</c>): being invoked, or waiting for its backend to report.</summary>
    [JsonStringEnumMemberName("IN_PROGRESS")]
    InProgress,

    /// <summary>The run ended well (<c>SUCCESS</c>).</summary>
    [JsonStringEnumMemberName("SUCCESS")]
    Success,

    /// <summary>The run ended in failure (<c>FAILURE</c>); <see cref="ActionRun.StatusLabel"/> says why.</summary>
    [JsonStringEnumMemberName("FAILURE")]
    Failure,

    /// <summary>The run's approval was declined (<c>DECLINED</c>); nothing was invoked.</summary>
    [JsonStringEnumMemberName("DECLINED")]
    Declined,
}
