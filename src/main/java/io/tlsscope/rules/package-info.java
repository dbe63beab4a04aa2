/**
 * Rules over query events: the model and its YAML, CEL compilation against typed variables, the
 * engine (thresholds, novelty baseline, suppression windows), the rules in force (built-in pack and
 * rules file, hot reload) and the rule thread that judges every statement off the capture's thread.
 */
package io.tlsscope.rules;
