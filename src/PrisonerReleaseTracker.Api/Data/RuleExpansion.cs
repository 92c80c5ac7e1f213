using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// Writes the rules of <see cref="Disclosure"/>, <see cref="KeyManagement"/> and <see cref="Visibility"/> into every query before EF translates it:
/// a call of a rule's method inside a query becomes the rule's expression, with the call's arguments in place of its
/// parameters. So a query says <c>Disclosure.Identifies(...)</c> and the database evaluates the very expression the
/// method evaluates in memory; no query restates a rule.
/// </summary>
public sealed class RuleExpansion : IQueryExpressionInterceptor
{
    public static readonly RuleExpansion Instance = new();

    private static readonly IReadOnlyDictionary<MethodInfo, LambdaExpression> Rules =
        Disclosure.Rules.Concat(KeyManagement.Rules).Concat(Visibility.Rules).ToDictionary(rule => rule.Key, rule => rule.Value);

    private RuleExpansion() { }

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) =>
        new Expander(eventData.Context!.Model).Visit(queryExpression);

    private sealed class Expander(IModel model) : ExpressionVisitor
    {
        /// <summary>A rule reads the record through its context argument (<c>db.Releases</c>): that is a query root.</summary>
        protected override Expression VisitMember(MemberExpression node) =>
            typeof(DbContext).IsAssignableFrom(node.Expression?.Type) && node.Type.IsGenericType && node.Type.GetGenericTypeDefinition() == typeof(DbSet<>)
                ? new EntityQueryRootExpression(model.FindEntityType(node.Type.GetGenericArguments()[0])!)
                : base.VisitMember(node);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!Rules.TryGetValue(node.Method, out var rule))
            {
                return base.VisitMethodCall(node);
            }

            var arguments = rule.Parameters.Zip(node.Arguments, (parameter, argument) => (parameter, argument))
                .ToDictionary(p => (Expression)p.parameter, p => p.argument);
            // The rule's body may call other rules: expand those too.
            return Visit(new Substitution(arguments).Visit(rule.Body)!);
        }
    }

    private sealed class Substitution(Dictionary<Expression, Expression> replacements) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) =>
            node is not null && replacements.TryGetValue(node, out var replacement) ? replacement : base.Visit(node);
    }
}
