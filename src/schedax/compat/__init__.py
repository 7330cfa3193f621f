"""Drop-in constructors with the argument names and semantics of other libraries.

`schedax.compat.torch` follows `torch.optim.lr_scheduler`, `schedax.compat.keras` follows
`keras.optimizers.schedules` and Keras's learning-rate callbacks, `schedax.compat.optax` follows
`optax.schedules`, `schedax.compat.transformers` follows `transformers.optimization`, and
`schedax.compat.timm` follows `timm.scheduler`. Each
returns a schedax schedule; where the library reads the learning rate from the optimizer, the
constructor takes it as its first argument.
"""
