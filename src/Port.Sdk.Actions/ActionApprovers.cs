using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>
/// Who may approve or decline an action's runs: the <c>approve</c> part of Port's action permissions (<c>users</c> by
/// email, <c>teams</c> by name, <c>roles</c>). With <c>requiredApproval: { "type": "ALL" }</c> every approver listed must
/// approve (a team or a role counts as one approver, satisfied by any of its members); with <c>ANY</c> (or
/// <c>true</c>) one approval from any of them is enough. A decline by any approver declines the run.
/// </summary>
public sealed record ActionApprovers
{
    /// <summary>Gets the email addresses of the users who may approve.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Gets the names of the teams whose members may approve.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Gets the roles whose holders may approve.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Gets a value indicating whether no approver is listed (then anyone may decide, in one decision).</summary>
    public bool IsEmpty => Users.Count == 0 && Teams.Count == 0 && Roles.Count == 0;

    /// <summary>
    /// Reads approvers from Port's action permissions JSON (<c>{ "execute": …, "approve": { "users": […], "teams": […],
    /// "roles": […] } }</c>, what <c>PATCH /v1/actions/{identifier}/permissions</c> takes) or from its <c>approve</c> object alone.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The approvers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">The JSON is not Port's permissions shape; each error has its JSON Pointer.</exception>
    public static ActionApprovers Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ActionDefinitionException([new ActionDefinitionError(null, string.Empty, "json", $"the permissions are not valid JSON: {ex.Message}") { Line = ex.LineNumber + 1, Column = ex.BytePositionInLine + 1 }]);
        }

        using (document)
        {
            var errors = new List<ActionDefinitionError>();
            var root = document.RootElement;
            var approve = root;
            var at = string.Empty;
            if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("approve", out var nested) || root.TryGetProperty("execute", out _)))
            {
                approve = nested;
                at = "/approve";
            }

            if (approve.ValueKind != JsonValueKind.Object)
            {
                throw new ActionDefinitionException([new ActionDefinitionError(null, at, "type", $"the approvers must be an object with 'users', 'teams' or 'roles', found {approve.ValueKind}")]);
            }

            foreach (var property in approve.EnumerateObject())
            {
                if (property.Name is not ("users" or "teams" or "roles" or "policy"))
                {
                    errors.Add(new ActionDefinitionError(null, $"{at}/{property.Name}", "unknown-key", $"'{property.Name}' is not a key Port knows here; expected one of users, teams, roles, policy"));
                }
            }

            var approvers = new ActionApprovers { Users = List("users"), Teams = List("teams"), Roles = List("roles") };
            if (errors.Count > 0)
            {
                throw new ActionDefinitionException(errors);
            }

            return approvers;

            IReadOnlyList<string> List(string name)
            {
                if (!approve.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    return [];
                }

                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                {
                    errors.Add(new ActionDefinitionError(null, $"{at}/{name}", "type", $"'{name}' must be an array of strings"));
                    return [];
                }

                return [.. value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal)];
            }
        }
    }
}
