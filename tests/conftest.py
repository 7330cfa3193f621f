import jax

# Catch silent promotions: every dtype change in schedax must be explicit.
jax.config.update("jax_numpy_dtype_promotion", "strict")
jax.config.update("jax_numpy_rank_promotion", "raise")
