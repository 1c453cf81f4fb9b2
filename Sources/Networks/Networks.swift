// Networks: layers with exact forward/backward passes, the paper's models (TMS, modular MLP,
// generic MLP), datasets, losses, optimizers and the stepping trainer. See README.md here.
