// The AudioWorkletGlobalScope names capture-worklet.js uses; TypeScript's DOM library does not declare them.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor();
}
declare function registerProcessor(name: string, processorCtor: new () => AudioWorkletProcessor): void;
