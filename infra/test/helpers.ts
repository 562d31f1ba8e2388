import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CognitoStack, type CognitoStackProps } from '../lib/cognito-stack';
import { readStackOptions } from '../lib/stack-options';

/** The options a plain `cdk deploy -c domainPrefix=my-app-auth` gets, read as `bin/app.ts` reads them. */
export const DEFAULT_OPTIONS: Omit<CognitoStackProps, 'env'> = readStackOptions((key) => (key === 'domainPrefix' ? 'my-app-auth' : undefined));

/** Synthesizes the stack in ap-northeast-1 with the default options, overridden by `options`. */
export function synthStack(options: Partial<CognitoStackProps> = {}): { stack: CognitoStack; template: Template } {
  const stack = new CognitoStack(new App(), 'Test', {
    ...DEFAULT_OPTIONS,
    ...options,
    env: { region: 'ap-northeast-1', account: '123456789012' },
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The template of {@link synthStack}. */
export function synth(options: Partial<CognitoStackProps> = {}): Template {
  return synthStack(options).template;
}

export interface Resource {
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

/** The one resource of a type (fails when there are none or several). */
export function only(template: Template, type: string): Resource {
  const found = Object.values(template.findResources(type));
  assert.equal(found.length, 1, `one ${type}`);
  return found[0] as Resource;
}

/**
 * A CloudFormation string value as text, with `Ref`s and `GetAtt`s shown as `<Name>` (and the region as
 * it would resolve): enough to read an output the way `aws cloudformation describe-stacks` prints it.
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(renderValue).join(separator);
  }
  if ('Ref' in node) return node.Ref === 'AWS::Region' ? 'ap-northeast-1' : `<${String(node.Ref)}>`;
  if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** An output's value as text (see {@link renderValue}). */
export function outputText(template: Template, name: string): string {
  const output = (template.toJSON().Outputs as Record<string, { Value: unknown }> | undefined)?.[name];
  assert.ok(output, `output ${name}`);
  return renderValue(output.Value);
}
