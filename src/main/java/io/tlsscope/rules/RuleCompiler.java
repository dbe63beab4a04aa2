package io.tlsscope.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelStandardFunctions;
import io.tlsscope.alerts.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a {@link RuleDefinition} and compiles its CEL expressions against {@link RuleVariables}
 * (type-checked: an unknown variable or a wrong type is an error at compile time, with its position).
 * The CEL environment is the standard one plus the strings extension (lowerAscii, split, ...), with
 * one change: {@code matches} uses RE2 (linear time, so a hostile statement cannot make a rule
 * backtrack) through a cache of compiled patterns instead of compiling the pattern on every call.
 * Thread-safe.
 */
public final class RuleCompiler {
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Duration DEFAULT_SUPPRESS = Duration.ofMinutes(10);
    private static final Duration DEFAULT_LEARNING = Duration.ofHours(24);
    private static final int MAX_PATTERNS = 1024;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Cel CEL = environment();

    private static Cel environment() {
        var builder = CelFactory.standardCelBuilder()
                .setStandardEnvironmentEnabled(false)
                .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
                .setStandardFunctions(CelStandardFunctions.newBuilder()
                        .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build())
                .addFunctionBindings(
                        CelFunctionBinding.from("matches", String.class, String.class, RuleCompiler::matches),
                        CelFunctionBinding.from("matches_string", String.class, String.class, RuleCompiler::matches))
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings());
        for (RuleVariables.Variable variable : RuleVariables.all()) {
            builder.addVar(variable.name(), variable.type());
        }
        return builder.build();
    }

    /** RE2 partial match, as CEL's matches is defined; patterns compiled once (a bounded cache). */
    private static boolean matches(String text, String regex) throws CelEvaluationException {
        Pattern pattern = PATTERNS.get(regex);
        if (pattern == null) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException invalid) {
                throw new CelEvaluationException("invalid regular expression '" + regex + "': " + invalid.getDescription());
            }
            if (PATTERNS.size() >= MAX_PATTERNS) {
                PATTERNS.clear();
            }
            PATTERNS.put(regex, pattern);
        }
        return pattern.matcher(text).find();
    }

    /** Checks every field and compiles every expression; the first problem found is thrown. */
    public CompiledRule compile(RuleDefinition rule) throws RuleRejected {
        String id = rule.id();
        if (id == null || !ID.matcher(id).matches()) {
            throw new RuleRejected(id, "id", "must be 1 to 100 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, was '" + id + "'");
        }
        Severity severity = Severity.parse(rule.severity() == null ? "medium" : rule.severity());
        if (severity == null) {
            throw new RuleRejected(id, "severity", "must be one of info, low, medium, high, critical, was '" + rule.severity() + "'");
        }
        if (rule.condition() == null || rule.condition().isBlank()) {
            throw new RuleRejected(id, "condition", "is missing: a CEL expression that is true for the statements that matter");
        }
        List<String> tags = rule.tags() == null ? List.of() : List.copyOf(rule.tags());
        CelRuntime.Program condition = expression(id, "condition", rule.condition(), SimpleType.BOOL);

        RuleDefinition.Suppress suppress = rule.suppress();
        Duration suppressWindow = suppress == null || suppress.window() == null ? DEFAULT_SUPPRESS
                : DurationText.parse(id, "suppress.window", suppress.window());
        CelRuntime.Program suppressKey = suppress == null || suppress.key() == null ? null
                : expression(id, "suppress.key", suppress.key(), SimpleType.STRING);

        CompiledRule.Threshold threshold = null;
        RuleDefinition.Threshold limit = rule.threshold();
        if (limit != null) {
            if (limit.atLeast() == null || limit.atLeast() < 1) {
                throw new RuleRejected(id, "threshold.atLeast", "must be a whole number of 1 or more, was " + limit.atLeast());
            }
            threshold = new CompiledRule.Threshold(
                    limit.value() == null ? null : expression(id, "threshold.value", limit.value(), SimpleType.INT),
                    limit.atLeast(), DurationText.parse(id, "threshold.within", limit.within()),
                    limit.per() == null ? null : expression(id, "threshold.per", limit.per(), SimpleType.STRING));
        }

        CompiledRule.Novelty novelty = null;
        if (rule.novelty() != null) {
            if (rule.novelty().key() == null) {
                throw new RuleRejected(id, "novelty.key", "is missing: a CEL string expression naming what must have been seen before");
            }
            novelty = new CompiledRule.Novelty(expression(id, "novelty.key", rule.novelty().key(), SimpleType.STRING),
                    rule.novelty().learning() == null ? DEFAULT_LEARNING
                            : DurationText.parse(id, "novelty.learning", rule.novelty().learning()));
        }
        return new CompiledRule(rule, severity, tags, condition, suppressWindow, suppressKey, threshold, novelty);
    }

    /** Compiles a whole set: every rule is checked, ids must be unique; the first problem is thrown. */
    public List<CompiledRule> compileAll(List<RuleDefinition> rules) throws RuleRejected {
        List<CompiledRule> compiled = new ArrayList<>(rules.size());
        Set<String> ids = new HashSet<>();
        for (RuleDefinition rule : rules) {
            CompiledRule one = compile(rule);
            if (!ids.add(one.id())) {
                throw new RuleRejected(one.id(), "id", "appears twice: each rule needs its own id");
            }
            compiled.add(one);
        }
        return compiled;
    }

    private static CelRuntime.Program expression(String id, String field, String text, CelType type) throws RuleRejected {
        CelValidationResult result = CEL.compile(text);
        if (result.hasError()) {
            CelIssue first = result.getErrors().getFirst();
            throw new RuleRejected(id, field, first.getSourceLocation().getLine(), first.getSourceLocation().getColumn() + 1,
                    first.getMessage());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            if (!ast.getResultType().equals(type) && !ast.getResultType().equals(SimpleType.DYN)) {
                throw new RuleRejected(id, field, "must be a " + type.name() + " expression, is " + ast.getResultType().name());
            }
            checkPatterns(id, field, ast);
            return CEL.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException impossible) {
            throw new RuleRejected(id, field, impossible.getMessage());
        }
    }

    /**
     * A pattern written as a literal must be valid RE2, or the rule would fail on every statement:
     * every matches() call of the expression with a constant pattern is checked at compile time.
     */
    private static void checkPatterns(String id, String field, CelAbstractSyntaxTree ast) throws RuleRejected {
        List<CelExpr> calls = CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(node -> node.expr())
                .filter(expr -> expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("matches"))
                .toList();
        for (CelExpr call : calls) {
            CelExpr pattern = call.call().args().getLast();
            if (pattern.getKind() == CelExpr.ExprKind.Kind.CONSTANT && pattern.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                try {
                    Pattern.compile(pattern.constant().stringValue());
                } catch (PatternSyntaxException invalid) {
                    CelSourceLocation at = ast.getSource().getOffsetLocation(ast.getSource().getPositionsMap()
                            .getOrDefault(pattern.id(), 0)).orElse(CelSourceLocation.NONE);
                    throw new RuleRejected(id, field, at.getLine(), at.getColumn() + 1,
                            "invalid regular expression '" + pattern.constant().stringValue() + "': " + invalid.getDescription());
                }
            }
        }
    }
}
