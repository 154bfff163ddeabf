// The eval harness: labelled JSONL sets of Datadog signals, scored against a drafter's technique.
export { EvalLine, EvalSetError, parseEvalSet, type EvalItem, type EvalSetIssue } from './eval-set';
export { formatEvalReport } from './format';
export { macroF1Parent, percentile, runEval, type EvalClassScore, type EvalCostFn, type EvalDeltas, type EvalItemResult, type EvalReport, type EvalRun, type RunEvalOptions } from './run-eval';
export { draftInputFromSignal } from './signal-input';
export { evalCommand, type EvalCommandArgs, type EvalCommandDeps } from './cli-eval';
