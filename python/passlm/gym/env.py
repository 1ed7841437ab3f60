"""``PhaseOrderingEnv``: choose LLVM pipeline elements one at a time, rewarded by size.

An episode starts from a benchmark's module (``benchmarks``) and applies one
pipeline element per step (``vocabulary``), in place, in a worker process
(``worker``): steps are incremental, and an element that aborts LLVM kills
the worker, not the agent.

- Actions: ``Discrete(len(actions))`` over the admitted elements; with
  ``end_action=True`` the last action, ``"end"``, ends the episode.
- Observations and rewards: chosen by name at construction (``spaces``).
  The return of an episode is 1 - s_T / s_Oz, its improvement over -Oz.
- ``info``: ``benchmark``; ``pipeline``, the elements applied so far joined
  by commas, in their admitted forms (``function(...)`` kept);
  ``replay_pipeline``, the same with ``invalidate<all>`` between elements,
  so that ``opt -relocation-model=pic -passes=REPLAY_PIPELINE`` and ``llc -O2
  -relocation-model=pic`` reproduce ``object_size`` exactly (``replay`` says
  why the plain pipeline may differ);
  ``object_size`` and ``instructions`` now (object_size is None when the
  reward is instructions: no codegen is done), their -Oz values
  ``oz_object_size`` and ``oz_instructions``; ``improvement``, the return so
  far, (s_Oz - s_t) / s_Oz (divided by 1 when s_Oz is 0: an empty module); ``changed``, whether the step changed the IR.
- An element LLVM aborts on (or that the verifier or codegen rejects, or that
  overruns ``step_timeout`` seconds) ends the episode: ``terminated`` with
  reward ``abort_penalty`` (default -1.0, as bad as doubling the -Oz size),
  the observation before it, and ``info["error"]`` with LLVM's message; the
  element is not added to ``pipeline``. The next ``reset`` starts a new worker.
- With ``skip_unchanged`` (default) a step that leaves the bitcode as it was,
  or makes a module the worker has measured before, reuses that size and
  observation instead of running codegen again.
"""
from __future__ import annotations

import copy
from typing import Any, Optional, Sequence

import gymnasium

from . import spaces as obs_spaces
from .benchmarks import Benchmark, Dataset, resolve
from .replay import exact
from .vocabulary import END, default_actions
from .worker import StepWorker, WorkerLost

#: The observation computed here, by the model, rather than in the worker.
EMBEDDING = "embedding"


class PhaseOrderingEnv(gymnasium.Env):
    metadata = {"render_modes": []}

    def __init__(self, benchmark=None, observation_space: str = "autophase", reward_space: str = "object_size",
                 actions: Optional[Sequence[str]] = None, end_action: bool = False, skip_unchanged: bool = True,
                 abort_penalty: float = -1.0, step_timeout: float = 60.0, model: Optional[str] = None):
        self.dataset: Dataset = resolve(benchmark)
        self.actions: list[str] = list(actions) if actions is not None else default_actions()
        if end_action:
            self.actions.append(END)
        self.observation_name = observation_space
        self.reward_name = obs_spaces.check_reward(reward_space)
        self.action_space = gymnasium.spaces.Discrete(len(self.actions))
        self.model = model  # the model directory of the embedding observation (default: the shipped one)
        self._embedder = None
        if observation_space == EMBEDDING:
            self.observation_space = self._embed_with().space()
        else:
            self.observation_space = obs_spaces.observation_space(observation_space)
        # What the worker observes: the embedding is computed here, from the IR text.
        self._worker_kind = "ir_raw" if observation_space == EMBEDDING else observation_space
        self.skip_unchanged, self.abort_penalty, self.step_timeout = skip_unchanged, abort_penalty, step_timeout
        self.benchmark: Optional[Benchmark] = None
        self.pipeline: list[str] = []
        self._worker: Optional[StepWorker] = None
        self._datasets: dict[str, Dataset] = {}
        self._oz: dict[str, tuple] = {}  # benchmark digest -> (oz_instructions, oz_object_size)
        self._over = True
        self._lost = True  # no module in the worker (none loaded, or an abort ended the episode)
        self._info: dict[str, Any] = {}
        self._observation = None
        self._measure = 0.0  # s_{t-1}
        self._oz_now = 0  # s_Oz of the episode's benchmark
        self._scale = 1

    # ----------------------------------------------------------------- episodes

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        super().reset(seed=seed)
        dataset = self.dataset
        if options and options.get("benchmark") is not None:
            dataset = self._dataset(options["benchmark"])
        self.benchmark = dataset[int(self.np_random.integers(len(dataset)))]
        if self._worker is None or not self._worker.alive:
            self._worker = StepWorker()
        digest = self.benchmark.digest
        known_oz = self._oz.get(digest)
        message = ("load", self.benchmark.name, self.benchmark.bitcode, self._worker_kind,
                   self.reward_name == "object_size", self.skip_unchanged, known_oz)
        try:
            reply = self._worker.request(message, self.step_timeout)
        except WorkerLost as e:
            self._worker = None
            raise RuntimeError(f"{self.benchmark.name}: the worker could not load it: {e.reason}") from None
        if reply[0] != "ok":
            raise RuntimeError(f"{self.benchmark.name}: {reply[1]}")
        state = reply[1]
        self._oz[digest] = (state["oz_instructions"], state["oz_object_size"])
        self.pipeline = []
        self._over = self._lost = False
        self._observation = self._convert(self.observation_name, state.pop("observation"))
        self._info = {"benchmark": self.benchmark.name, "pipeline": "", "replay_pipeline": "", "changed": False,
                      **state}
        self._oz_now = self._info["oz_object_size" if self._size else "oz_instructions"]
        self._scale = max(1, self._oz_now)  # an empty module's -Oz object has 0 bytes
        self._measure = self._oz_now  # s_0 = s_Oz: the return is the improvement over -Oz
        self._info["improvement"] = (self._oz_now - self._current()) / self._scale
        return copy.copy(self._observation), dict(self._info)

    def step(self, action):
        if self._over:
            raise RuntimeError("the episode is over: call reset()")
        element = self.actions[int(action)]
        if element == END:
            self._over = True
            return copy.copy(self._observation), 0.0, True, False, dict(self._info, changed=False)
        try:
            reply = self._worker.request(("step", element), self.step_timeout)
        except WorkerLost as e:
            self._worker = None
            return self._abort(element, e.reason)
        if reply[0] != "ok":
            return self._abort(element, reply[1])
        _, changed, instructions, object_size, observation = reply
        self.pipeline.append(element)
        self._observation = self._convert(self.observation_name, observation)
        observation = copy.copy(self._observation)  # the agent may keep or change what it gets
        self._info.update(pipeline=",".join(self.pipeline), replay_pipeline=exact(",".join(self.pipeline)),
                          changed=changed, instructions=instructions, object_size=object_size)
        now = self._current()
        reward = (self._measure - now) / self._scale
        self._measure = now
        self._info["improvement"] = (self._oz_now - now) / self._scale
        return observation, reward, False, False, dict(self._info)

    def _abort(self, element: str, error: str):
        self._over = self._lost = True
        info = dict(self._info, changed=False, error=error, aborted_element=element)
        return copy.copy(self._observation), float(self.abort_penalty), True, False, info

    # -------------------------------------------------------------- inspection

    def observe(self, name: str):
        """Observation ``name`` (any of ``spaces.OBSERVATIONS``, or ``embedding``) of the current module."""
        if name != EMBEDDING:
            obs_spaces.observation_space(name)  # checks the name
        reply = self._request(("observe", "ir_raw" if name == EMBEDDING else name))
        return self._convert(name, reply[1])

    def lookahead(self, actions: Sequence[int]) -> list[Optional[float]]:
        """The reward each action would give now, without taking it (None: it
        fails or aborts LLVM; the episode goes on). Greedy search uses it."""
        rewards: list[Optional[float]] = []
        for action in actions:
            element = self.actions[int(action)]
            if element == END:
                rewards.append(0.0)
                continue
            try:
                reply = self._request(("lookahead", element))
            except WorkerLost:
                self._restore()
                reply = ("error",)
            except RuntimeError:
                reply = ("error",)
            if reply[0] != "ok":
                rewards.append(None)
                continue
            now = reply[2] if self._size else reply[1]
            rewards.append((self._measure - now) / self._scale)
        return rewards

    def _restore(self) -> None:
        """A new worker holding the module the episode has made."""
        self._worker = StepWorker()
        message = ("load", self.benchmark.name, self.benchmark.bitcode, self._worker_kind,
                   self._size, self.skip_unchanged, self._oz[self.benchmark.digest])
        self._worker.request(message, self.step_timeout)
        self._worker.request(("apply", list(self.pipeline)), self.step_timeout)

    def bitcode(self) -> bytes:
        """The current module's bitcode."""
        return self._request(("bitcode",))[1]

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        super().close()

    # ----------------------------------------------------------------- helpers

    @property
    def _size(self) -> bool:
        return self.reward_name == "object_size"

    def _current(self) -> int:
        return self._info["object_size" if self._size else "instructions"]

    def _embed_with(self):
        if self._embedder is None:
            from .embedding import Embedder

            self._embedder = Embedder(self.model)
        return self._embedder

    def _convert(self, name: str, value):
        """The worker's plain value as an observation ``name``."""
        if name == EMBEDDING:
            return self._embed_with()(value)
        return obs_spaces.to_observation(name, value)

    def _dataset(self, spec) -> Dataset:
        if isinstance(spec, (Dataset, Benchmark)):
            return resolve(spec)
        key = str(spec)
        if key not in self._datasets:
            self._datasets[key] = resolve(spec)
        return self._datasets[key]

    def _request(self, message: tuple) -> tuple:
        if self._lost or self._worker is None:
            raise RuntimeError("no module: call reset()")
        reply = self._worker.request(message, self.step_timeout)
        if reply[0] != "ok":
            raise RuntimeError(reply[1])
        return reply
