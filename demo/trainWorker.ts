// The training host in a Web Worker (WebGPU is available in dedicated workers): the page's main
// thread only draws while the worker initialises, trains and evaluates.
import { serveTraining, type HostPort } from './trainHost';

serveTraining(self as unknown as HostPort);
